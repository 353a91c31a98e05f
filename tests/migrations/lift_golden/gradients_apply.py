# Softmax classifier on iris with the optimizer's two halves spelled out: compute_gradients, then
# apply_gradients (the shape tutorials use before clipping or inspecting gradients), with Adam.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_iris

tf.random.set_seed(777)  # for reproducibility

iris = load_iris()
x_data = iris.data.astype(np.float32)
x_data = (x_data - np.mean(x_data, axis=0)) / np.std(x_data, axis=0)
y_data = np.eye(3, dtype=np.float32)[iris.target]
nb_classes = 3

W = tf.Variable(tf.random.normal([4, nb_classes], seed=5), name="weight")
b = tf.Variable(tf.random.normal([nb_classes], seed=14), name="bias")

optimizer = tf.keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-08)
trainable_variables = [W, b]


@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32), tf.TensorSpec([None, nb_classes], tf.float32)])
def train_step(X, Y):
    with tf.GradientTape() as tape:
        logits = tf.matmul(X, W) + b
        hypothesis = tf.nn.softmax(logits)
        cost = tf.reduce_mean(-tf.reduce_sum(Y * tf.math.log(hypothesis), axis=1))
    grads_and_vars = list(zip(tape.gradient(cost, trainable_variables), trainable_variables))
    optimizer.apply_gradients(grads_and_vars)
    return cost


@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32), tf.TensorSpec([None, nb_classes], tf.float32)])
def compute_accuracy(X, Y):
    logits = tf.matmul(X, W) + b
    hypothesis = tf.nn.softmax(logits)
    prediction = tf.argmax(hypothesis, 1)
    correct_prediction = tf.equal(prediction, tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    return accuracy


@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
def compute_prediction(X):
    logits = tf.matmul(X, W) + b
    hypothesis = tf.nn.softmax(logits)
    prediction = tf.argmax(hypothesis, 1)
    return prediction


print("initial W:", W.numpy())
print("initial b:", b.numpy())

for step in range(501):
    cost_val = train_step(x_data, y_data).numpy()
    if step % 100 == 0:
        print("Step: {:5}\tCost: {:.4f}\tAcc: {:.2%}".format(
            step, cost_val, compute_accuracy(x_data, y_data).numpy()))

print("Accuracy:", compute_accuracy(x_data, y_data).numpy())
print("First predictions:", compute_prediction(x_data[::30]).numpy())
