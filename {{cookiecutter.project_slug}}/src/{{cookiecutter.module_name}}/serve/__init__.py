"""The trained models as a JSON API for the team's front-end: `invoke serve` (`make serve`), docs at /docs.

    python -m <package>.serve [--host 127.0.0.1] [--port 8000] [--model NAME] [--max-body 10MB] [--root .]

Endpoints: GET /health (the model files served, and whether a newer build is on disk), GET /models
(the leaderboard), and by task family POST /predict (tables: table_routes.py) or GET /recommend/{user}
and POST /recommend (a basket of items someone likes: recommendation_routes.py). Nothing is ever
written. __main__.py makes the app and starts it, loading.py reads what the pipeline built (model_file.py:
a saved model as loaded), limits.py bounds what a client may send, schemas.py holds the answers both
families share, batching.py predicts table rows.
"""
