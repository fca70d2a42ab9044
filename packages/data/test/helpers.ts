import { ArrayDataset } from "../src/dataset.js";

/** n images of shape [2, 2, 1]; image i has every pixel = i, label i % classes. */
export function tinyDataset(n: number, classes = 3): ArrayDataset {
  const images = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) images.fill(i, i * 4, (i + 1) * 4);
  return new ArrayDataset({
    images,
    labels: Array.from({ length: n }, (_, i) => i % classes),
    shape: [2, 2, 1],
    classes: Array.from({ length: classes }, (_, c) => `c${c}`),
    name: "tiny",
  });
}
