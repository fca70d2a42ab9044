import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { afterEach, describe, expect, it } from "vitest";
import { createWebGPUProvider } from "../src/provider.js";
import { ICD, SWIFTSHADER_INFO, fakeDawn, fakeSystem, loaderFor } from "./fakes.js";

const LIBVULKAN = "/usr/lib/x86_64-linux-gnu/libvulkan.so.1";

/** A stand-in for @tensorflow/tfjs-backend-webgpu: records what its WebGPUBackend was built with. */
function fakeTfjsWebGPU() {
  const built: { device: unknown; info: unknown }[] = [];
  class WebGPUBackend extends tf.KernelBackend {
    constructor(device: unknown, info: unknown) {
      super();
      built.push({ device, info });
    }
    override floatPrecision(): 16 | 32 {
      return 32;
    }
    override memory() {
      return { unreliable: false, numBytesInGPU: 0, numBytesAllocatedInGPU: 0 };
    }
    override numDataIds(): number {
      return 0;
    }
    override dispose(): void {}
  }
  return { module: { WebGPUBackend }, built };
}

/** A Dawn whose SwiftShader adapter hands out `device` (or fails to). */
function dawnWithDevice(env: Record<string, string | undefined>, device: unknown) {
  const dawn = fakeDawn(env, { [ICD]: SWIFTSHADER_INFO });
  const create = dawn.create.bind(dawn);
  const requested: unknown[] = [];
  dawn.create = (options) => {
    const gpu = create(options);
    return {
      async requestAdapter(o) {
        const adapter = (await gpu.requestAdapter(o)) as Record<string, unknown> | null;
        if (adapter === null) return null;
        adapter.requestDevice = async (descriptor: unknown) => {
          requested.push(descriptor);
          if (device instanceof Error) throw device;
          return device;
        };
        return adapter;
      },
    };
  };
  dawn.globals = { GPUBufferUsage: { STORAGE: 128 }, GPUMapMode: { READ: 1 } };
  return { dawn, requested };
}

afterEach(async () => {
  if ("webgpu" in tf.engine().registryFactory) tf.removeBackend("webgpu");
  await tf.setBackend("cpu");
});

describe("webgpu activate (stand-in Dawn and tfjs backend)", () => {
  it("builds tfjs's WebGPUBackend on the probed adapter and switches to it", async () => {
    const env: Record<string, string | undefined> = {};
    const device = { label: "fake device" };
    const { dawn, requested } = dawnWithDevice(env, device);
    const tfjs = fakeTfjsWebGPU();
    // Something registered a default "webgpu" factory first, as the real package does when navigator.gpu exists.
    tf.registerBackend("webgpu", () => {
      throw new Error("the default factory must not be used");
    });
    const p = createWebGPUProvider({
      load: loaderFor({ webgpu: dawn, "@tensorflow/tfjs-backend-webgpu": tfjs.module }),
      system: fakeSystem([LIBVULKAN, ICD], env),
    });
    await p.activate();
    expect(tf.getBackend()).toBe("webgpu");
    expect(tfjs.built).toEqual([{ device, info: SWIFTSHADER_INFO }]);
    // The features and limits tfjs's own factory asks for, where the adapter has them.
    expect(requested).toEqual([
      {
        requiredFeatures: ["timestamp-query"],
        requiredLimits: { maxComputeWorkgroupStorageSize: 32768, maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 },
      },
    ]);
    const g = globalThis as { navigator?: { gpu?: unknown }; GPUBufferUsage?: unknown };
    expect(g.navigator?.gpu).toBeDefined();
    expect(g.GPUBufferUsage).toEqual({ STORAGE: 128 });
    const d = p.describe();
    expect(d).toMatchObject({ name: "webgpu", tfjsBackend: "webgpu", software: true, floatPrecision: 32 });
    expect(d.device).toBe("SwiftShader driver 5.0.0 (google swiftshader) (software)");
    expect(d.extra).toMatchObject({ adopted: false, numBytesInGPU: 0, driver: "swiftshader" });

    // A second activate() after switching away only switches back.
    await tf.setBackend("cpu");
    await p.activate();
    expect(tf.getBackend()).toBe("webgpu");
    expect(tfjs.built.length).toBe(1);
  });

  it("says which adapter failed to give a device", async () => {
    const env: Record<string, string | undefined> = {};
    const { dawn } = dawnWithDevice(env, new Error("OperationError: limits exceeded"));
    const p = createWebGPUProvider({
      load: loaderFor({ webgpu: dawn, "@tensorflow/tfjs-backend-webgpu": fakeTfjsWebGPU().module }),
      system: fakeSystem([LIBVULKAN, ICD], env),
    });
    await expect(p.activate()).rejects.toMatchObject({
      code: "BACKEND_ACTIVATION_FAILED",
      message: "WebGPU requestDevice failed on SwiftShader driver 5.0.0 (google swiftshader) (software): Error: OperationError: limits exceeded",
    });
  });
});
