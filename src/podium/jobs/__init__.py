"""Jobs: the queue, the state machine, the dispatcher and the actions on a job."""
