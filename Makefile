# The two commands of the README: `make run` and `make test`. Each makes its own virtualenv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench clean

$(BIN)/timeledger: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

run: $(BIN)/timeledger
	$(BIN)/timeledger quickstart --host $(HOST) --port $(PORT)

# SQLite always; PostgreSQL too when a server binary is here or installable (root + apt).
# Two pytest workers, one per database (tests/conftest.py groups them), so the halves run side by side.
test: $(BIN)/timeledger
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/python scripts/pg_cluster.py --install --optional -- $(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadgroup

bench: $(BIN)/timeledger
	$(BIN)/python bench/run.py
	$(BIN)/python bench/statements.py

clean:
	rm -rf $(VENV) timeledger.db timeledger.db-wal timeledger.db-shm .demo.json
