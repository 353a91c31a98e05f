"""TFI109: a TF1 session program lifted to eager TF2 (see tf1init/migrations/lift/)."""
from .._rule import Example, Rule

CODE = "TFI109"

RULE = Rule(
    code=CODE,
    name="lift-sessions",
    summary="placeholders, feed_dict, sess.run and minimize become tf.function steps of eager TF2",
    why=(
        "tf_upgrade_v2 keeps a session program in graph mode through tf.compat.v1. This rule lifts it "
        "instead: placeholders become the parameters of tf.functions (their dtype and shape kept in the "
        "input_signature), each kind of sess.run becomes one function computing what it fetched, "
        "optimizer.minimize becomes a GradientTape step with the Keras optimizer that makes TF1's update "
        "(TF1's defaults written out where Keras's differ), and the initializer runs go. What a run "
        "returned is what the call returns: tensors computed before the update, variables read after it, "
        "as numpy values. With a graph seed, each random op gets the op seed TF 1.x gave it, so the "
        "program starts from the same initial values. The whole file is lifted or none of it: anything "
        "the lifter does not understand keeps the file in graph mode (rule TFI107), with a warning naming "
        "the line."
    ),
    fix_safety="review: the program's structure changes; run `tf1init verify` on the pair",
    examples=(
        Example(
            "placeholders-feed-minimize",
            before=(
                'import tensorflow as tf\n'
                '\n'
                'x = tf.placeholder(tf.float32, [None, 1])\n'
                'y = tf.placeholder(tf.float32, [None, 1])\n'
                'w = tf.Variable(tf.zeros([1, 1]), name="w")\n'
                'loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))\n'
                'train = tf.train.AdamOptimizer(0.1).minimize(loss)\n'
                '\n'
                'with tf.Session() as sess:\n'
                '    sess.run(tf.global_variables_initializer())\n'
                '    for step in range(100):\n'
                '        loss_value, w_value, _ = sess.run([loss, w, train], feed_dict={x: [[1.0]], y: [[2.0]]})\n'
                '    print(loss_value, w_value)\n'
            ),
            after=(
                'import tensorflow as tf\n'
                '\n'
                'w = tf.Variable(tf.zeros([1, 1]), name="w")\n'
                'optimizer = tf.keras.optimizers.Adam(learning_rate=0.1, epsilon=1e-08)\n'
                'trainable_variables = [w]\n'
                '\n'
                '\n'
                '@tf.function(input_signature=[tf.TensorSpec([None, 1], tf.float32), tf.TensorSpec([None, 1], tf.float32)])\n'
                'def train_step(x, y):\n'
                '    with tf.GradientTape() as tape:\n'
                '        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))\n'
                '    gradients = tape.gradient(loss, trainable_variables)\n'
                '    optimizer.apply_gradients(zip(gradients, trainable_variables))\n'
                '    return loss\n'
                '\n'
                '\n'
                'for step in range(100):\n'
                '    loss_value = train_step([[1.0]], [[2.0]]).numpy()\n'
                '    w_value = w.numpy()\n'
                'print(loss_value, w_value)\n'
            ),
            findings=("9:6 fixed: session program lifted to eager TF2: its runs are now train_step()",),
        ),
        Example(
            "interactive-session-eval",
            before=(
                'import tensorflow as tf\n'
                '\n'
                'sess = tf.InteractiveSession()\n'
                'x = tf.placeholder(tf.float32, [None, 2])\n'
                'w = tf.Variable(tf.ones([2, 1]))\n'
                'y = tf.matmul(x, w)\n'
                'tf.global_variables_initializer().run()\n'
                'print(y.eval(feed_dict={x: [[1.0, 2.0]]}), w.eval())\n'
                'sess.close()\n'
            ),
            after=(
                'import tensorflow as tf\n'
                '\n'
                'w = tf.Variable(tf.ones([2, 1]))\n'
                '\n'
                '\n'
                '@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])\n'
                'def compute_y(x):\n'
                '    y = tf.matmul(x, w)\n'
                '    return y\n'
                '\n'
                '\n'
                'print(compute_y([[1.0, 2.0]]).numpy(), w.numpy())\n'
            ),
            findings=("3:8 fixed: session program lifted to eager TF2: its runs are now compute_y()",),
        ),
        Example(
            "gone-name-keeps-the-file",
            before=(
                'import tensorflow as tf\n'
                '\n'
                'x = tf.placeholder(tf.float32, [None, 4])\n'
                'h = tf.contrib.layers.fully_connected(x, 2)\n'
                'with tf.Session() as sess:\n'
                '    sess.run(tf.global_variables_initializer())\n'
                '    print(sess.run(h, {x: [[1.0, 2.0, 3.0, 4.0]]}))\n'
            ),
            findings=("5:6 warning: session program kept in graph mode, not lifted to eager TF2: the lifted "
                      "program would not be eager TF2: tf.contrib.layers.fully_connected",),
        ),
    ),
)
