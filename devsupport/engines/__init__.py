"""One simulated device in each browser engine (``drivers``), Firefox over WebDriver BiDi."""
