"""MNIST as the unseen programs' authors loaded it (``input_data.read_data_sets``), made of data
that ships with scikit-learn, so they run offline: the 8x8 digits scaled to 20x20 and centred in
28x28 = 784 pixels in [0, 1], as MNIST's are; one-hot labels; 1297 train / 200 validation / 300
test images; ``next_batch`` walks the train set in order. Each program imports it in place of
``tensorflow.examples.tutorials.mnist`` (marked "tf1init: data")."""
import types as _types
import numpy as _np
from sklearn.datasets import load_digits as _load_digits


class _DataSet(object):
    def __init__(self, images, labels):
        self.images, self.labels, self.num_examples, self._at = images, labels, len(images), 0

    def next_batch(self, batch_size):
        idx = _np.arange(self._at, self._at + batch_size) % self.num_examples
        self._at = (self._at + batch_size) % self.num_examples
        return self.images[idx], self.labels[idx]


def _read_data_sets(train_dir, one_hot=True):
    digits = _load_digits()
    images = _np.kron(digits.images / 16.0, _np.ones((5, 5))).reshape(-1, 20, 2, 20, 2).mean(axis=(2, 4))
    images = _np.pad(images, ((0, 0), (4, 4), (4, 4))).reshape(-1, 784).astype(_np.float32)
    labels = _np.eye(10, dtype=_np.float32)[digits.target]
    return _types.SimpleNamespace(train=_DataSet(images[:1297], labels[:1297]),
                                  validation=_DataSet(images[1297:1497], labels[1297:1497]),
                                  test=_DataSet(images[1497:], labels[1497:]))


input_data = _types.SimpleNamespace(read_data_sets=_read_data_sets)
