# Multilayer perceptron, aymericdamien "TensorFlow-Examples" style: weights and biases in
# module-level dicts, the forward pass a Python function, mini-batches sliced from numpy arrays.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

tf.random.set_seed(2)

digits = load_digits()
images = digits.data[:500].astype(np.float32) / 16.0
labels = np.eye(10, dtype=np.float32)[digits.target[:500]]
train_x, test_x = images[:400], images[400:]
train_y, test_y = labels[:400], labels[400:]

# Parameters
learning_rate = 0.3
training_epochs = 20
batch_size = 50
display_step = 5

# Network Parameters
n_hidden_1 = 32  # 1st layer number of neurons
n_hidden_2 = 32  # 2nd layer number of neurons
n_input = 64  # 8x8 digits
n_classes = 10  # digits 0-9

# tf Graph input

# Store layers weight & bias
weights = {
    'h1': tf.Variable(tf.random.normal([n_input, n_hidden_1], stddev=0.1, seed=5)),
    'h2': tf.Variable(tf.random.normal([n_hidden_1, n_hidden_2], stddev=0.1, seed=14)),
    'out': tf.Variable(tf.random.normal([n_hidden_2, n_classes], stddev=0.1, seed=23))
}
biases = {
    'b1': tf.Variable(tf.random.normal([n_hidden_1], stddev=0.1, seed=32)),
    'b2': tf.Variable(tf.random.normal([n_hidden_2], stddev=0.1, seed=41)),
    'out': tf.Variable(tf.random.normal([n_classes], stddev=0.1, seed=50))
}


# Create model
def multilayer_perceptron(x):
    # Hidden fully connected layer with 32 neurons
    layer_1 = tf.nn.relu(tf.add(tf.matmul(x, weights['h1']), biases['b1']))
    # Hidden fully connected layer with 32 neurons
    layer_2 = tf.nn.relu(tf.add(tf.matmul(layer_1, weights['h2']), biases['b2']))
    # Output fully connected layer with a neuron for each class
    out_layer = tf.matmul(layer_2, weights['out']) + biases['out']
    return out_layer


optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
trainable_variables = [*weights.values(), *biases.values()]


# Initializing the variables


@tf.function(input_signature=[tf.TensorSpec([None, n_input], "float"), tf.TensorSpec([None, n_classes], "float")])
def train_step(X, Y):
    with tf.GradientTape() as tape:
        # Construct model
        logits = multilayer_perceptron(X)
        # Define loss and optimizer
        loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    gradients = tape.gradient(loss_op, trainable_variables)
    optimizer.apply_gradients(zip(gradients, trainable_variables))
    return loss_op


@tf.function(input_signature=[tf.TensorSpec([None, n_input], "float"), tf.TensorSpec([None, n_classes], "float")])
def compute_accuracy(X, Y):
    # Construct model
    logits = multilayer_perceptron(X)
    # Test model
    pred = tf.nn.softmax(logits)  # Apply softmax to logits
    correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
    return accuracy


print("initial h1[0, :6]:", weights['h1'].numpy()[0, :6])
print("initial out bias:", biases['out'].numpy())

# Training cycle
for epoch in range(training_epochs):
    avg_cost = 0.
    total_batch = int(len(train_x) / batch_size)
    # Loop over all batches
    for i in range(total_batch):
        batch_x = train_x[i * batch_size:(i + 1) * batch_size]
        batch_y = train_y[i * batch_size:(i + 1) * batch_size]
        # Run optimization op (backprop) and cost op (to get loss value)
        c = train_step(batch_x, batch_y).numpy()
        # Compute average loss
        avg_cost += c / total_batch
    # Display logs per epoch step
    if epoch % display_step == 0:
        print("Epoch:", '%04d' % (epoch + 1), "cost={:.9f}".format(avg_cost))
print("Optimization Finished!")

print("Accuracy:", compute_accuracy(test_x, test_y).numpy())
