"""External tasks: their rows, the fetch-and-lock API and the queue's listing."""
