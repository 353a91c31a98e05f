"""tf1init: initialize TF1 graph-mode variables correctly in sessions, and migrate them to TF2."""
from setuptools import find_packages, setup

# The codemods (tf1init migrate, explain, the pre-commit hook) need no TensorFlow: the base
# install is light. The runtime needs TensorFlow: `pip install "tf1init[tf]"`, or install
# tensorflow-cpu / a vendor build yourself (as TensorFlow Probability does, TensorFlow is not a
# hard requirement: pip would fetch the 572 MB `tensorflow` wheel next to an installed
# `tensorflow-cpu`). The TensorFlow and Python versions are the ones CI tests, and no others.
BASE = ["libcst>=1.1"]
RUNTIME = [
    "numpy>=1.26",
    "xlrd>=2.0",
    "scikit-learn>=1.3",
    "matplotlib>=3.7",
]
TENSORFLOW = ["tensorflow>=2.21,<2.22"]
TENSORFLOW_CPU = ["tensorflow-cpu>=2.21,<2.22"]

setup(
    name="tf1init",
    version="0.1.0",
    description="Initialization for TF1 session models on TF2, and codemods that migrate it.",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10,<3.14",  # TensorFlow 2.21 has wheels for 3.10-3.13; CI tests each
    packages=find_packages(include=["tf1init", "tf1init.*"]),
    package_data={"tf1init": ["py.typed"], "tf1init.migrations": ["*.json"],
                  "tf1init.migrations.data": ["*.txt"]},
    install_requires=BASE,
    extras_require={
        "tf": RUNTIME + TENSORFLOW,
        "tf-cpu": RUNTIME + TENSORFLOW_CPU,
        # tf-keras carries the Keras 2 `tf.compat.v1.layers` that Keras 3 dropped.
        "legacy": RUNTIME + TENSORFLOW + ["tf-keras"],
        # tensorboard: TF 2.21's tf.summary.scalar needs it, and the tests run lifted programs that
        # write summaries (TFI109 turns tf.summary.FileWriter into tf.summary's writer)
        "test": RUNTIME + TENSORFLOW + ["pytest>=7", "scipy>=1.10", "xlwt>=1.3", "tf-keras", "tensorboard>=2.21,<2.22"],
        "light-test": ["pytest>=7"],  # the codemods' tests, without TensorFlow
    },
    entry_points={"console_scripts": ["tf1init = tf1init.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
