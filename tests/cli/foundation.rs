//! Foundation: scanning, stats, errors.
