# Linear regression with placeholders, fitted by gradient descent (the classic TF1 "lab 2").
# A session without `with`, a cost summary written to a temporary log directory.
import shutil
import tempfile

import tensorflow as tf

tf.random.set_seed(777)  # for reproducibility

W = tf.Variable(tf.random.normal([1], seed=5), name="weight")
b = tf.Variable(tf.random.normal([1], seed=14), name="bias")

optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
trainable_variables = [W, b]

logdir = tempfile.mkdtemp()
writer = tf.summary.create_file_writer(logdir)


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([None], tf.float32)])
def train_step(X, Y):
    with tf.GradientTape() as tape:
        hypothesis = X * W + b
        cost = tf.reduce_mean(tf.square(hypothesis - Y))
    gradients = tape.gradient(cost, trainable_variables)
    optimizer.apply_gradients(zip(gradients, trainable_variables))
    return cost, cost


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def compute_hypothesis(X):
    hypothesis = X * W + b
    return hypothesis


print("initial W:", W.numpy(), "b:", b.numpy())

for step in range(2001):
    cost_val, summary_cost = [value.numpy() for value in train_step([1, 2, 3, 4, 5], [2.1, 3.1, 4.1, 5.1, 6.1])]
    W_val = W.numpy()
    b_val = b.numpy()
    summary = {"cost": summary_cost}
    with writer.as_default(step=step):
        for tag, value in summary.items():
            tf.summary.scalar(tag, data=value)
    if step % 400 == 0:
        print(step, cost_val, W_val, b_val)

# Testing our model
print("prediction for 5:", compute_hypothesis([5]).numpy())
print("prediction for 2.5, 1.5:", compute_hypothesis([2.5, 1.5]).numpy())
writer.close()
shutil.rmtree(logdir)
