//! Integration tests of charthouse-render.
