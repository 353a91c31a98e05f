"""Codemods that rewrite TF1 initialization code to TF2 (installed as ``tf1init.migrations``).

Static only: nothing here imports TensorFlow or runs the code it reads.
"""
