export interface Workspace {
  /** Absolute directory. */
  dir: string;
  /** Directory relative to the repository root, e.g. "packages/optim". */
  rel: string;
  /** The parsed package.json. */
  pkg: { name: string; version: string; private?: boolean; [field: string]: any };
}
export declare const repoRoot: string;
export declare function listWorkspaces(root?: string): Workspace[];
export declare function publishedWorkspaces(root?: string): Workspace[];
export declare function dependencyClosure(names: string[], workspaces?: Workspace[]): string[];
