"""What still ties a migrated program to graph mode, read from its code (comments and strings
aside: a program may well say "tf.Session" in a comment)."""
import io
import re
import tokenize

GRAPH_MODE = re.compile(r"\b(?:Session|InteractiveSession|placeholder|disable_v2_behavior|"
                        r"global_variables_initializer)\b")


def graph_mode_names(text: str) -> list:
    """The graph-mode names the code uses, plus "compat.v1" if it reaches tf.compat.v1."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
              if t.type not in (tokenize.COMMENT, tokenize.STRING)]
    names = " ".join(t.string for t in tokens if t.type == tokenize.NAME)
    code = "".join(t.string for t in tokens if t.type in (tokenize.NAME, tokenize.OP))
    return sorted(set(GRAPH_MODE.findall(names))) + (["compat.v1"] if "compat.v1" in code else [])
