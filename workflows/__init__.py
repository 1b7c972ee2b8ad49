"""The appraisal domain: organisation, SKP, ratings, appeals, cycles and publication (on top of engine/)."""
