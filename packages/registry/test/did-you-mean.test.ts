import { describe, expect, it } from "vitest";
import { closestMatch } from "@gradkit/registry";

describe("closestMatch", () => {
  const optimizers = ["adam", "adamw", "sgd", "rmsprop", "lbfgs", "adagrad"];

  it.each([
    ["AdamW", "adamw", "a case-insensitive exact match wins"],
    ["adamx", "adam", "one substitution"],
    ["adma", "adam", "a length-4 name tolerates 2 edits"],
    ["sdg", "sgd", "a swap of neighbours counts as one edit"],
    ["rmsprp", "rmsprop", "one deletion"],
    ["adagard", "adagrad", "a swap in a longer name"],
  ])("%s → %s (%s)", (input, expected) => {
    expect(closestMatch(input, optimizers)).toBe(expected);
  });

  it.each([
    ["shampoo", "no name within 2 edits"],
    ["sam", "3 letters allow 1 edit; 'sgd' and 'adam' are 2 away"],
    ["x", "a 1-letter name matches only case-insensitively"],
  ])("%s → nothing (%s)", (input) => {
    expect(closestMatch(input, optimizers)).toBeUndefined();
  });

  it("suggests a longer name for a short typo: sd → std, lrr → lr", () => {
    expect(closestMatch("sd", ["mean", "std"])).toBe("std");
    expect(closestMatch("lrr", ["lr", "eps"])).toBe("lr");
    expect(closestMatch("X", ["x", "y"])).toBe("x");
  });
});
