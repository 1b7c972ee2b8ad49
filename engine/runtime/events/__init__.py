"""What arrives from outside a run: messages between instances and due timers."""
