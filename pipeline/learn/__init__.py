"""Sentence classifiers: labeling functions, weak supervision, training, the model in the
loop and active learning (DESIGN.md §9)."""
