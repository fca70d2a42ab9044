import { Tensor, dispose } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { TreeError } from "./errors.js";

/**
 * Parameter trees: nested plain objects and arrays whose leaves are tensors
 * (or, for the generic helpers, any non-container value). Plain objects
 * (prototype Object or null) and arrays are containers; everything else,
 * tf.Variable and class instances included, is a leaf.
 */

/** A tree with leaves of type L. */
export type Tree<L> = L | readonly Tree<L>[] | { readonly [key: string]: Tree<L> };

/** A tree of tensors (tf.Variable is a Tensor, so variables are leaves too). */
export type TensorTree = Tree<Tensor>;

/** The tree type `T` with every tensor leaf replaced by `B`: `{ w: Variable }` → `{ w: B }`. */
export type MapLeaves<T, B> = T extends Tensor ? B : T extends object ? { -readonly [K in keyof T]: MapLeaves<T[K], B> } : T;

/** `[path, leaf]`, with dotted paths like `layer1.0.weight`; the root leaf's path is "". */
export type TreeEntry<L> = [path: string, leaf: L];

export function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function joinPath(prefix: string, key: string | number): string {
  return prefix === "" ? String(key) : `${prefix}.${key}`;
}

/** Calls `visit(leaf, path)` on every leaf, depth first, in key order. */
export function treeForEach<L>(tree: Tree<L>, visit: (leaf: L, path: string) => void, prefix = ""): void {
  if (Array.isArray(tree)) {
    tree.forEach((child, i) => treeForEach(child as Tree<L>, visit, joinPath(prefix, i)));
  } else if (isContainer(tree)) {
    for (const [key, child] of Object.entries(tree)) treeForEach(child as Tree<L>, visit, joinPath(prefix, key));
  } else {
    visit(tree as L, prefix);
  }
}

/** A tree of the same structure with `fn(leaf, path)` at every leaf. */
export function treeMap<T, B>(tree: T, fn: (leaf: any, path: string) => B, prefix = ""): MapLeaves<T, B> {
  if (Array.isArray(tree)) {
    return tree.map((child, i) => treeMap(child, fn, joinPath(prefix, i))) as MapLeaves<T, B>;
  }
  if (isContainer(tree)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(tree)) out[key] = treeMap(child, fn, joinPath(prefix, key));
    return out as MapLeaves<T, B>;
  }
  return fn(tree, prefix) as MapLeaves<T, B>;
}

/** The leaves in depth-first key order. */
export function treeLeaves<L = Tensor>(tree: Tree<L>): L[] {
  const out: L[] = [];
  treeForEach(tree, (leaf) => out.push(leaf));
  return out;
}

/** Disposes every tensor leaf (variables included). Non-tensor leaves are left alone. */
export function treeDispose(tree: unknown): void {
  treeForEach(tree as Tree<unknown>, (leaf) => {
    if (leaf instanceof Tensor) dispose(leaf);
  });
}

/** Where and how two trees' structures first differ. */
export interface StructureDifference {
  /** Dotted path of the first differing node ("" for the root). */
  path: string;
  reason: string;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (isContainer(value)) return "object";
  return "leaf";
}

/**
 * The first place where `a` and `b` differ in structure, or null if they
 * have the same structure: the same containers with the same keys (in any
 * order) and array lengths, and leaves in the same places. Leaf values are
 * not compared.
 */
export function treeStructureDiff(a: unknown, b: unknown, prefix = ""): StructureDifference | null {
  const aArr = Array.isArray(a);
  const bArr = Array.isArray(b);
  if (aArr || bArr) {
    if (!(aArr && bArr) || a.length !== b.length) {
      return { path: prefix, reason: `${kindOf(a)} vs ${kindOf(b)}` };
    }
    for (let i = 0; i < a.length; i++) {
      const d = treeStructureDiff(a[i], b[i], joinPath(prefix, i));
      if (d) return d;
    }
    return null;
  }
  const aObj = isContainer(a);
  const bObj = isContainer(b);
  if (aObj || bObj) {
    if (!(aObj && bObj)) return { path: prefix, reason: `${kindOf(a)} vs ${kindOf(b)}` };
    const aKeys = Object.keys(a);
    const bKeys = new Set(Object.keys(b));
    for (const key of aKeys) {
      if (!bKeys.has(key)) return { path: joinPath(prefix, key), reason: "present in the first tree, missing in the second" };
    }
    for (const key of bKeys) {
      if (!(key in a)) return { path: joinPath(prefix, key), reason: "missing in the first tree, present in the second" };
    }
    for (const key of aKeys) {
      const d = treeStructureDiff((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], joinPath(prefix, key));
      if (d) return d;
    }
    return null;
  }
  return null;
}

/** True when the trees have the same structure (see `treeStructureDiff`). */
export function treeStructureEquals(a: unknown, b: unknown): boolean {
  return treeStructureDiff(a, b) === null;
}

/**
 * Throws a TreeError (code `TREE_STRUCTURE_MISMATCH`) naming the first
 * differing path when the trees differ in structure. `names` label the
 * trees in the message, e.g. ["params", "grads"].
 */
export function assertSameStructure(a: unknown, b: unknown, names: [string, string] = ["first tree", "second tree"]): void {
  const d = treeStructureDiff(a, b);
  if (d === null) return;
  const where = d.path === "" ? "at the root" : `at '${d.path}'`;
  const reason = d.reason.replace("the first tree", names[0]).replace("the second", names[1]);
  throw new TreeError("TREE_STRUCTURE_MISMATCH", `${names[0]} and ${names[1]} differ in structure ${where}: ${reason}.`, {
    path: d.path,
    reason: d.reason,
  });
}

/** `fn(leafA, leafB, path)` at every pair of corresponding leaves; the trees must have the same structure. */
export function treeMap2<T, B>(a: T, b: unknown, fn: (leafA: any, leafB: any, path: string) => B): MapLeaves<T, B> {
  assertSameStructure(a, b);
  const bLeaves = new Map(flattenTree(b as Tree<unknown>, { allowDottedKeys: true }));
  return treeMap(a, (leaf, path) => fn(leaf, bLeaves.get(path), path));
}

/** Pairs corresponding leaves: a tree of `[leafA, leafB]`. The trees must have the same structure. */
export function treeZip<T>(a: T, b: unknown): MapLeaves<T, [any, any]> {
  return treeMap2(a, b, (x, y) => [x, y] as [any, any]);
}

export interface FlattenOptions {
  /**
   * Allow object keys that contain "." (the path separator). Such paths
   * cannot be rebuilt unambiguously by `unflattenTree`; default false.
   */
  allowDottedKeys?: boolean;
}

/** The leaves with their dotted paths (`layer1.0.weight`), in depth-first key order. Empty containers vanish. */
export function flattenTree<L>(tree: Tree<L>, options: FlattenOptions = {}): TreeEntry<L>[] {
  const out: TreeEntry<L>[] = [];
  const walk = (node: unknown, prefix: string): void => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, joinPath(prefix, i)));
    } else if (isContainer(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (!options.allowDottedKeys && (key.includes(".") || key === "")) {
          throw new TreeError(
            "TREE_INVALID_KEY",
            `flattenTree: key ${describeValue(key)} under '${prefix}' ${key === "" ? "is empty" : "contains '.'"}, which would make its path ambiguous. ` +
              `Rename it, or pass { allowDottedKeys: true } if the flat names are all you need.`,
            { key, path: prefix },
          );
        }
        walk(child, joinPath(prefix, key));
      }
    } else {
      out.push([prefix, node as L]);
    }
  };
  walk(tree, "");
  return out;
}

/**
 * Rebuilds a tree from dotted paths. A level whose keys are exactly
 * 0, 1, …, n−1 becomes an array; any other level becomes an object.
 * Accepts the entries `flattenTree` returns or a `{ path: leaf }` record.
 */
export function unflattenTree<L>(entries: Iterable<TreeEntry<L>> | Record<string, L>): Tree<L> {
  const list: TreeEntry<L>[] = isIterable(entries) ? [...entries] : Object.entries(entries);
  if (list.length === 1 && list[0][0] === "") return list[0][1];
  const root: Branch = new Map();
  for (const [path, leaf] of list) {
    if (path === "") {
      throw new TreeError("TREE_DUPLICATE_PATH", 'unflattenTree: a root leaf (path "") cannot sit beside other paths.', { path });
    }
    const parts = path.split(".");
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      let next = node.get(parts[i]);
      if (next === undefined) {
        next = new Map();
        node.set(parts[i], next);
      } else if (!(next instanceof Map)) {
        throw new TreeError("TREE_DUPLICATE_PATH", `unflattenTree: '${parts.slice(0, i + 1).join(".")}' is both a leaf and a prefix of '${path}'.`, { path });
      }
      node = next;
    }
    const last = parts[parts.length - 1];
    if (node.has(last)) {
      throw new TreeError("TREE_DUPLICATE_PATH", `unflattenTree: path '${path}' appears twice, or is also a prefix of another path.`, { path });
    }
    node.set(last, { leaf });
  }
  return build(root) as Tree<L>;
}

type Branch = Map<string, Branch | { leaf: unknown }>;

function build(node: Branch | { leaf: unknown }): unknown {
  if (!(node instanceof Map)) return node.leaf;
  const keys = [...node.keys()];
  const indexed = keys.length > 0 && keys.every((k) => /^(0|[1-9][0-9]*)$/.test(k)) && keys.every((_, i) => node.has(String(i)));
  if (indexed) return keys.map((_, i) => build(node.get(String(i))!));
  const out: Record<string, unknown> = {};
  for (const [key, child] of node) out[key] = build(child);
  return out;
}

function isIterable<T>(value: unknown): value is Iterable<T> {
  return value != null && typeof (value as Iterable<T>)[Symbol.iterator] === "function";
}
