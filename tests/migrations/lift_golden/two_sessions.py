# One graph, two sessions: train in the first, then open a second session that runs the
# initializer again and evaluates the untrained model (each session holds its own variable values,
# and the initializer draws the same values again under the graph seed).
import numpy as np
import tensorflow as tf

tf.random.set_seed(1234)

x_data = np.array([[1., 1.], [1., 3.], [2., 1.], [3., 4.], [4., 2.], [5., 5.]], dtype=np.float32)
y_data = np.array([[0.], [0.], [0.], [1.], [1.], [1.]], dtype=np.float32)

W = tf.Variable(tf.random.normal([2, 1], seed=5), name="weight")
b = tf.Variable(tf.zeros([1]), name="bias")

optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
trainable_variables = [W, b]


# Training session
all_variables = [W, b]
initial_values = [variable.numpy() for variable in all_variables]


@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32)])
def train_step(X, Y):
    with tf.GradientTape() as tape:
        hypothesis = tf.sigmoid(tf.matmul(X, W) + b)
        cost = -tf.reduce_mean(Y * tf.math.log(hypothesis) + (1 - Y) * tf.math.log(1 - hypothesis))
    gradients = tape.gradient(cost, trainable_variables)
    optimizer.apply_gradients(zip(gradients, trainable_variables))
    return cost


@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32)])
def compute_cost(X, Y):
    hypothesis = tf.sigmoid(tf.matmul(X, W) + b)
    cost = -tf.reduce_mean(Y * tf.math.log(hypothesis) + (1 - Y) * tf.math.log(1 - hypothesis))
    return cost


@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32)])
def compute_accuracy(X, Y):
    hypothesis = tf.sigmoid(tf.matmul(X, W) + b)
    predicted = tf.cast(hypothesis > 0.5, dtype=tf.float32)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype=tf.float32))
    return accuracy


print("initial W:", W.numpy().ravel(), "b:", b.numpy())
for step in range(1001):
    cost_val = train_step(x_data, y_data).numpy()
    if step % 250 == 0:
        print(step, cost_val)
print("trained W:", W.numpy().ravel(), "b:", b.numpy())
print("trained cost:", compute_cost(x_data, y_data).numpy(),
      "accuracy:", compute_accuracy(x_data, y_data).numpy())

# A fresh session on the same graph: the variables start again from their initializers
for variable, value in zip(all_variables, initial_values):
    variable.assign(value)
print("initial W again:", W.numpy().ravel(), "b:", b.numpy())
print("untrained cost:", compute_cost(x_data, y_data).numpy(),
      "accuracy:", compute_accuracy(x_data, y_data).numpy())
