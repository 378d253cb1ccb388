"""`invoke ship` (`make ship`): the demo and the API as one folder a hosting platform runs, ship/.

The folder holds app.py, the package modules the demo and the API import, the built files they
read, a pinned requirements.txt of only what they import, and the platforms' start commands.
ship/check.py runs the folder the way a platform does, in a fresh environment, and asks it questions
whose answers were recorded here from the project's own models.
"""
