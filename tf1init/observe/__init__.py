"""Looking at weights: statistics, histograms and training-time monitors, fingerprints."""
