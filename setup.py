"""tf1init: initialize TF1 graph-mode variables correctly in sessions, and migrate them to TF2."""
from setuptools import find_packages, setup

# The TensorFlow and Python versions CI tests, and no others: tf1init exists to keep TF1 code
# working across TensorFlow releases, so a release it has not been tested on is not claimed.
RUNTIME = [
    "tensorflow>=2.21,<2.22",
    "numpy>=1.26",
    "xlrd>=2.0",
    "scikit-learn>=1.3",
    "libcst>=1.1",
    "matplotlib>=3.7",
]

setup(
    name="tf1init",
    version="0.1.0",
    description="Initialization for TF1 session models on TF2, and codemods that migrate it.",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10,<3.14",  # TensorFlow 2.21 has wheels for 3.10-3.13
    packages=find_packages(include=["tf1init", "tf1init.*"]),
    package_data={"tf1init": ["py.typed"], "tf1init.migrations": ["*.json"],
                  "tf1init.migrations.data": ["*.txt"]},
    install_requires=RUNTIME,
    extras_require={
        # tf-keras carries the Keras 2 `tf.compat.v1.layers` that Keras 3 dropped.
        "legacy": ["tf-keras"],
        "test": ["pytest>=7", "scipy>=1.10", "xlwt>=1.3", "tf-keras"],
    },
    entry_points={"console_scripts": ["tf1init = tf1init.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
