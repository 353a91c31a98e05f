"""tf1init: initialize TF1 graph-mode variables correctly and fast, and migrate them to TF2.

The source folder ``migrations/`` is installed as ``tf1init.migrations`` so that a top-level
package named ``migrations`` never lands in site-packages (it would shadow users' own folders).
"""
from setuptools import find_packages, setup

RUNTIME = [
    "tensorflow>=2.16",
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
    python_requires=">=3.9",
    packages=(
        ["tf1init"]
        + ["tf1init." + name for name in find_packages("tf1init")]
        + ["tf1init.migrations"]
        + ["tf1init.migrations." + name for name in find_packages("migrations")]
    ),
    package_data={"tf1init": ["py.typed"], "tf1init.migrations": ["*.json"]},
    package_dir={"tf1init.migrations": "migrations"},
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
