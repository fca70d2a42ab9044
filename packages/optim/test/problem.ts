import * as tf from "@tensorflow/tfjs-core";

/**
 * The fixture problem of scripts/make-fixtures.py, with the same hand-written
 * gradient: f(x, y) = (1 − x0)² + 5(x1 − x0²)² + x1·Σ sin(2y) + ½‖y‖².
 */
export function problemGrads(x: tf.Tensor, y: tf.Tensor): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const [x0, x1] = tf.split(x, 2);
    const r = tf.sub(x1, tf.mul(x0, x0));
    const gx0 = tf.sub(tf.mul(tf.sub(1, x0), -2), tf.mul(tf.mul(x0, 20), r));
    const gx1 = tf.add(tf.mul(r, 10), tf.sum(tf.sin(tf.mul(y, 2))));
    const gy = tf.add(tf.mul(tf.mul(x1, 2), tf.cos(tf.mul(y, 2))), y);
    return { x: tf.concat([gx0, gx1]), y: gy };
  });
}

export function problemParams(): { x: tf.Variable; y: tf.Variable } {
  return { x: tf.variable(tf.tensor1d([-1.2, 1.0])), y: tf.variable(tf.tensor1d([0.5, -0.3, 0.8])) };
}
