"""Personal data (UU 27/2022): the copy a person downloads, who viewed them, rater privacy."""
