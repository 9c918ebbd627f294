"""Use cases of the four-source funding (四位一体资金): allocations to a village from a source,
its expenditures on its measures, and the reversal of either by its voucher number."""

from __future__ import annotations

from uuid import UUID

from app.ledger.measures import Measures
from app.ledger.plans import Plans
from app.ledger.use_case import LedgerUseCase
from domain.base import Meta
from domain.ledger.errors import AllocationWithoutPlanError
from domain.ledger.funds import FundAccount, fund_account_id
from domain.ledger.measures import FundingSource
from domain.ledger.money import yuan_text


class Funds(LedgerUseCase):
    def _account(self, village_code: str, source: FundingSource, meta: Meta) -> FundAccount:
        """The account of the village and source, opened by the first entry made in it."""
        return self.uow.find_or_add(
            FundAccount,
            fund_account_id(village_code, source),
            lambda: FundAccount.open(self.network.unit(village_code, "village"), source, meta),
        )

    def allocate(
        self,
        village_code: str,
        source: FundingSource,
        amount_fen: int,
        voucher: str,
        allocated_by: str,
        document: str,
        plan_id: UUID | None,
        measure_id: UUID | None,
        meta: Meta,
    ) -> dict[str, object]:
        village = self.network.unit(village_code, "village")
        measure = Measures(self.uow, self.network).measure(measure_id) if measure_id else None
        plans = Plans(self.uow, self.network)
        if plan_id is not None:
            plan = plans.plan(plan_id)
        elif measure is not None:
            plan = plans.plan(UUID(measure.plan_id), "measure")
        else:
            raise AllocationWithoutPlanError()
        account = self._account(village_code, source, meta)
        account.allocate(village, voucher, amount_fen, plan, measure, allocated_by, document, meta)
        return self._answer(account, voucher, amount_fen)

    def spend(
        self,
        village_code: str,
        source: FundingSource,
        amount_fen: int,
        voucher: str,
        measure_id: UUID,
        payee: str,
        purpose: str,
        meta: Meta,
    ) -> dict[str, object]:
        village = self.network.unit(village_code, "village")
        measure = Measures(self.uow, self.network).measure(measure_id)
        account = self._account(village_code, source, meta)
        account.spend(village, voucher, amount_fen, measure, payee, purpose, meta)
        return self._answer(account, voucher, amount_fen)

    def reverse(
        self, village_code: str, source: FundingSource, voucher: str, because: str, meta: Meta
    ) -> dict[str, object]:
        village = self.network.unit(village_code, "village")
        kind = self._account(village_code, source, meta).reverse(village, voucher, because, meta)
        return {
            "village": village_code,
            "source": source.value,
            "voucher": voucher,
            "entry": kind.value,
        }

    @staticmethod
    def _answer(account: FundAccount, voucher: str, amount_fen: int) -> dict[str, object]:
        return {
            "village": account.village_code,
            "source": account.source.value,
            "voucher": voucher,
            "amount_fen": amount_fen,
            "amount_yuan": yuan_text(amount_fen),
        }
