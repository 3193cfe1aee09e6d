"""HTTP adapters, one package per API: parse requests, render that API's shapes, IDs and errors."""
