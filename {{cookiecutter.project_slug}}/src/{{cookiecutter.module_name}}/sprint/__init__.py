"""The hackathon clock: a time-boxed plan (SPRINTS.md) and where the team stands in it.

Standard library only: `invoke sprint` runs this before the project's environment exists, and
the template's post-generation hook runs it to write SPRINTS.md at bake time. One job per file,
each importing only the ones above it (this file re-exports nothing: import the module you need):

  plan.py       the sections and their items, sized from the event's hours and sprint length
  checklist.py  SPRINTS.md: written from a plan, read back with hand edits, a box ticked or unticked
  clock.py      where the team stands at a moment (`Standing`), the build log's last full build
                for the rebuild-risk warning, and the lines that describe it
  command.py    what `invoke sprint` does: read the files, start the clock, tick, describe
"""
