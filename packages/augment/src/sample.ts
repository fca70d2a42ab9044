import * as tf from "@tensorflow/tfjs-core";

/**
 * Bilinear sampling of `x` ([N, H, W, C]) at source coordinates `sx`, `sy`
 * ([N, H', W'], pixel units, pixel centers at integers), by gathering the
 * four neighbours from the flattened batch. Neighbours outside the image
 * contribute `fill`. All tensor ops; no per-pixel JS.
 */
export function sampleBilinear(x: tf.Tensor4D, sx: tf.Tensor3D, sy: tf.Tensor3D, fill = 0): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const [, ho, wo] = sx.shape;
  return tf.tidy(() => {
    const flat = tf.reshape(x, [n * h * w, c]);
    const x0 = tf.floor(sx);
    const y0 = tf.floor(sy);
    const fx = tf.sub(sx, x0);
    const fy = tf.sub(sy, y0);
    const base = tf.reshape(tf.mul(tf.range(0, n, 1, "float32"), h * w), [n, 1, 1]);
    const corner = (dx: number, dy: number, weight: tf.Tensor): tf.Tensor => {
      const xi = tf.add(x0, dx);
      const yi = tf.add(y0, dy);
      const inside = tf.cast(tf.logicalAnd(tf.logicalAnd(tf.greaterEqual(xi, 0), tf.lessEqual(xi, w - 1)), tf.logicalAnd(tf.greaterEqual(yi, 0), tf.lessEqual(yi, h - 1))), "float32");
      const idx = tf.cast(tf.add(base, tf.add(tf.mul(tf.clipByValue(yi, 0, h - 1), w), tf.clipByValue(xi, 0, w - 1))), "int32");
      const v = tf.reshape(tf.gather(flat, tf.reshape(idx, [-1])), [n, ho, wo, c]);
      const vin = tf.add(tf.mul(v, tf.expandDims(inside, 3)), tf.mul(tf.expandDims(tf.sub(1, inside), 3), fill));
      return tf.mul(vin, tf.expandDims(weight, 3));
    };
    const w00 = tf.mul(tf.sub(1, fx), tf.sub(1, fy));
    const w10 = tf.mul(fx, tf.sub(1, fy));
    const w01 = tf.mul(tf.sub(1, fx), fy);
    const w11 = tf.mul(fx, fy);
    return tf.addN([corner(0, 0, w00), corner(1, 0, w10), corner(0, 1, w01), corner(1, 1, w11)]) as tf.Tensor4D;
  });
}
