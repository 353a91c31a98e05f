# Logistic regression by hand: sigmoid hypothesis, cross-entropy written with tf.log.
import numpy as np
import tensorflow as tf

tf.random.set_seed(777)  # for reproducibility

x_data = [[1, 2], [2, 3], [3, 1], [4, 3], [5, 3], [6, 2]]
y_data = [[0], [0], [0], [1], [1], [1]]

W = tf.Variable(tf.random.normal([2, 1], seed=5), name="weight")
b = tf.Variable(tf.random.normal([1], seed=14), name="bias")

optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
trainable_variables = [W, b]


@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32)])
def train_step(X, Y):
    with tf.GradientTape() as tape:
        # Hypothesis using sigmoid: tf.div(1., 1. + tf.exp(tf.matmul(X, W)))
        hypothesis = tf.sigmoid(tf.matmul(X, W) + b)
        cost = -tf.reduce_mean(Y * tf.math.log(hypothesis) + (1 - Y) * tf.math.log(1 - hypothesis))
    gradients = tape.gradient(cost, trainable_variables)
    optimizer.apply_gradients(zip(gradients, trainable_variables))
    return cost


@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32)])
def compute_hypothesis_predicted_accuracy(X, Y):
    # Hypothesis using sigmoid: tf.div(1., 1. + tf.exp(tf.matmul(X, W)))
    hypothesis = tf.sigmoid(tf.matmul(X, W) + b)
    # Accuracy computation: True if hypothesis > 0.5 else False
    predicted = tf.cast(hypothesis > 0.5, dtype=tf.float32)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype=tf.float32))
    return hypothesis, predicted, accuracy


print("initial W:", W.numpy().ravel(), "b:", b.numpy())
for step in range(3001):
    cost_val = train_step(x_data, y_data).numpy()
    if step % 1000 == 0:
        print(step, cost_val)

h, c, a = [value.numpy() for value in compute_hypothesis_predicted_accuracy(x_data, y_data)]
print("Hypothesis:", h.ravel())
print("Correct (Y):", c.ravel().astype(np.int64))
print("Accuracy:", a)
