"""havewemet: answer "have we met?" for every pending connection request, locally."""
