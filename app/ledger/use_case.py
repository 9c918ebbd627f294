"""What each use case of the ledger works with: the unit of work, through which it loads and
adds aggregates, and the network's use cases, through which it finds units."""

from __future__ import annotations

from app.network import Network
from app.store.uow import UnitOfWork


class LedgerUseCase:
    def __init__(self, uow: UnitOfWork, network: Network) -> None:
        self.uow = uow
        self.network = network
