# A two-layer classifier on the wine data in an InteractiveSession, layers under tf.name_scope:
# the initializer's .run(), train_step.run(feed_dict=...), and .eval() on the cost, a weight and
# the accuracy, all without naming the session.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_wine

tf.random.set_seed(2017)

wine = load_wine()
features = wine.data.astype(np.float32)
features = (features - features.mean(axis=0)) / features.std(axis=0)
targets = np.eye(3, dtype=np.float32)[wine.target]

W1 = tf.Variable(tf.random.truncated_normal([13, 16], stddev=0.1, seed=5), name="weights")
b1 = tf.Variable(tf.zeros([16]), name="biases")

W2 = tf.Variable(tf.random.truncated_normal([16, 3], stddev=0.1, seed=21), name="weights")
b2 = tf.Variable(tf.zeros([3]), name="biases")

optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
trainable_variables = [W1, b1, W2, b2]


@tf.function(input_signature=[tf.TensorSpec([None, 13], tf.float32), tf.TensorSpec([None, 3], tf.float32)])
def train_step(x, y_):
    with tf.GradientTape() as tape:
        hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
        y = tf.matmul(hidden, W2) + b2
        cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
    gradients = tape.gradient(cost, trainable_variables)
    optimizer.apply_gradients(zip(gradients, trainable_variables))


@tf.function(input_signature=[tf.TensorSpec([None, 13], tf.float32), tf.TensorSpec([None, 3], tf.float32)])
def compute_cost(x, y_):
    hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
    y = tf.matmul(hidden, W2) + b2
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
    return cost


@tf.function(input_signature=[tf.TensorSpec([None, 13], tf.float32), tf.TensorSpec([None, 3], tf.float32)])
def compute_accuracy(x, y_):
    hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
    y = tf.matmul(hidden, W2) + b2
    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    return accuracy


print("initial W2:", W2.numpy())

for i in range(201):
    train_step(features, targets)
    if i % 50 == 0:
        print("step", i, "cost", compute_cost(features, targets).numpy())

print("W2 after training:", W2.numpy()[0])
print("accuracy", compute_accuracy(features, targets).numpy())
