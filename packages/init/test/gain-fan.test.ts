import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { calculateGain, correctFan, fanInAndFanOut } from "@gradkit/init";

interface GainCase {
  nonlinearity: string;
  param: number | null;
  gain: number;
}
interface FanCase {
  layer: string;
  torchShape: number[];
  gradkitShape: number[];
  fanIn: number;
  fanOut: number;
}
const gain = JSON.parse(readFileSync(new URL("./fixtures/gain.json", import.meta.url), "utf8")) as { cases: GainCase[] };
const fan = JSON.parse(readFileSync(new URL("./fixtures/fan.json", import.meta.url), "utf8")) as { cases: FanCase[] };

describe("calculateGain vs torch.nn.init.calculate_gain (fixtures/gain.json, torch 1.13)", () => {
  it.each(gain.cases)("$nonlinearity (param $param)", ({ nonlinearity, param, gain: want }) => {
    // Both compute in double precision; 1e-15 relative is rounding only.
    expect(calculateGain(nonlinearity, param ?? undefined)).toBeCloseTo(want, 14);
  });

  it("covers every nonlinearity torch knows", () => {
    expect(new Set(gain.cases.map((c) => c.nonlinearity)).size).toBe(12);
  });

  it("names the unknown nonlinearity and the valid ones", () => {
    expect(() => calculateGain("swish")).toThrow(/unsupported nonlinearity "swish"; expected one of linear, .*selu/);
    try {
      calculateGain("swish");
    } catch (e) {
      expect((e as { code: string }).code).toBe("INIT_BAD_ARGUMENT");
    }
    expect(() => calculateGain("leaky_relu", Number.NaN)).toThrow(/param .* must be a finite number; received NaN/);
  });
});

describe("fanInAndFanOut vs torch's _calculate_fan_in_and_fan_out (fixtures/fan.json)", () => {
  it.each(fan.cases)("$layer: gradkit $gradkitShape ≙ torch $torchShape", ({ gradkitShape, fanIn, fanOut }) => {
    expect(fanInAndFanOut(gradkitShape)).toEqual({ fanIn, fanOut });
    expect(correctFan(gradkitShape, "fan_in")).toBe(fanIn);
    expect(correctFan(gradkitShape, "fan_out")).toBe(fanOut);
  });

  it("refuses a 1-D shape and a bad mode, naming them", () => {
    expect(() => fanInAndFanOut([5])).toThrow(/fewer than 2 dimensions; received shape \[5\]/);
    expect(() => correctFan([3, 4], "fan_avg" as never)).toThrow(/mode must be 'fan_in' or 'fan_out'; received "fan_avg"/);
    expect(() => fanInAndFanOut([3, -1])).toThrow(/shape must be an array of non-negative integers/);
  });
});
