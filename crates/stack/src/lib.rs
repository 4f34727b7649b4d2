//! Stackfiles: a stackfile plus environment overlays resolve to the releases charthouse installs.
