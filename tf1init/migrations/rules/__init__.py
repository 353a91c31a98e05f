"""One module per rewrite rule; each defines ``RULE`` (see ``tf1init.migrations._model.Rule``)."""
