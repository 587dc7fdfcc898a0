"""The rights app's job: writing a request's disclosure pack (PDF and JSON bundle)."""

from __future__ import annotations

from nestguard.accounts.models import User
from nestguard.jobs import JobFailed, JobProgress, job
from nestguard.rights.models import SarStatus, SubjectAccessRequest
from nestguard.rights.pack import bundle_bytes, disclosed_items, pdf_bytes
from nestguard.rights.services import disclosure_pack_store


@job(name="rights.disclosure_pack", retries=2, title="Subject access disclosure pack")
def disclosure_pack(progress: JobProgress, *, request: str, user: str | None = None) -> str:
    sar = SubjectAccessRequest.objects.filter(pk=request).select_related("person").first()
    if sar is None:
        raise JobFailed("The subject access request no longer exists.", retry=False)
    if sar.status != SarStatus.REVIEW:
        raise JobFailed("The request is not under review: no pack was produced.", retry=False)
    progress.update(message=f"Writing the disclosure pack of {sar.reference}")
    items, withheld = disclosed_items(sar)
    actor = User.objects.filter(pk=user, is_active=True).first() if user else None
    pack = disclosure_pack_store(
        actor=actor,
        request=sar,
        pdf=pdf_bytes(sar, items, withheld),
        bundle=bundle_bytes(sar, items, withheld),
        disclosed=len(items),
        withheld=withheld,
    )
    return (
        f"{sar.reference}: {pack.items_disclosed} record(s) disclosed, {withheld} withheld in full"
    )
