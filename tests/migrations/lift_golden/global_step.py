# Multi-variable linear regression (quiz scores -> final exam, "lab 4" style) trained by Momentum,
# with a non-trainable global_step variable that minimize() increments, printed with the cost.
import numpy as np
import tensorflow as tf

tf.random.set_seed(777)  # for reproducibility

xy = np.array([[73., 80., 75., 152.],
               [93., 88., 93., 185.],
               [89., 91., 90., 180.],
               [96., 98., 100., 196.],
               [73., 66., 70., 142.],
               [53., 46., 55., 101.]], dtype=np.float32)
x_data = xy[:, 0:-1] / 100.0
y_data = xy[:, [-1]] / 100.0

W = tf.Variable(tf.random.normal([3, 1], seed=5), name="weight")
b = tf.Variable(tf.random.normal([1], seed=14), name="bias")
global_step = tf.Variable(0, trainable=False, name="global_step")

optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
trainable_variables = [W, b]


@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32), tf.TensorSpec([None, 1], tf.float32)])
def train_step(X, Y):
    with tf.GradientTape() as tape:
        hypothesis = tf.matmul(X, W) + b
        cost = tf.reduce_mean(tf.square(hypothesis - Y))
    gradients = tape.gradient(cost, trainable_variables)
    optimizer.apply_gradients(zip(gradients, trainable_variables))
    global_step.assign_add(1)
    return cost


@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
def compute_hypothesis(X):
    hypothesis = tf.matmul(X, W) + b
    return hypothesis


print("initial W:", W.numpy().ravel(), "b:", b.numpy())
print("initial global_step:", global_step.numpy())

for step in range(1000):
    cost_val = train_step(x_data, y_data).numpy()
    if step % 200 == 0:
        print("global_step:", global_step.numpy(), "cost:", cost_val)

print("final global_step:", global_step.numpy())
print("W:", W.numpy().ravel(), "b:", b.numpy())
print("Prediction:", compute_hypothesis(x_data).numpy().ravel())
