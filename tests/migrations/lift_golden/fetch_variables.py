# Linear regression, "lab 2" style: a session without `with`, and the variables fetched together
# with the cost and the train op in one sess.run list, printed every 500 steps.
import tensorflow as tf

tf.random.set_seed(777)  # for reproducibility

# X and Y data
x_train = [1, 2, 3, 4, 5]
y_train = [2.1, 3.1, 4.1, 5.1, 6.1]

W = tf.Variable(tf.random.normal([1], seed=5), name="weight")
b = tf.Variable(tf.random.normal([1], seed=14), name="bias")


# Minimize
optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
trainable_variables = [W, b]

# Launch the graph in a session.
# Initializes global variables in the graph.


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([None], tf.float32)])
def train_step(X, Y):
    with tf.GradientTape() as tape:
        # Our hypothesis XW+b
        hypothesis = X * W + b
        # cost/loss function
        cost = tf.reduce_mean(tf.square(hypothesis - Y))
    gradients = tape.gradient(cost, trainable_variables)
    optimizer.apply_gradients(zip(gradients, trainable_variables))
    return cost


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def compute_hypothesis(X):
    # Our hypothesis XW+b
    hypothesis = X * W + b
    return hypothesis


print("initial W:", W.numpy(), "b:", b.numpy())

# Fit the line
for step in range(2001):
    cost_val = train_step(x_train, y_train).numpy()
    W_val = W.numpy()
    b_val = b.numpy()
    if step % 500 == 0:
        print(step, cost_val, W_val, b_val)

# Testing our model
print(compute_hypothesis([5]).numpy())
print(compute_hypothesis([2.5]).numpy())
print(compute_hypothesis([5, 2.5]).numpy())
