"""Checkpoints on disk for TF1 session models: find, read, verify, restore-or-initialize.

Reading a checkpoint's table of contents (``reader``) needs no TensorFlow: the ``.index`` file
is parsed here, so listing and verifying a checkpoint is fast and a damaged file is reported
before any variable is touched. Restoring (``restore``) builds its ops once per graph.
"""
