"""rdflib-endpoint serving an N-Quads dump, default graph = union of the named graphs.

`rdflib-endpoint serve FILE` puts everything in one graph and so loses the named graphs our
queries rely on (GRAPH ?g); this launcher keeps them, as the other servers in the benchmark do.

    python bench/rdflib_server.py dataset.nq --port 8000
"""

from __future__ import annotations

import argparse

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    dataset = Dataset(default_union=True)
    dataset.parse(args.dataset, format="nquads")
    app = SparqlEndpoint(graph=dataset, public_url=f"http://{args.host}:{args.port}/sparql")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
