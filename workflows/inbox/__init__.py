"""What a user is asked to do: the inbox by tab, and the notification e-mails."""
