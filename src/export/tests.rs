//! Unit tests for selection, the graph model and each renderer's escaping.
