"""The address a request really came from, behind the reverse proxies the deployment trusts."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, unless it is a trusted proxy: then the right-most address in
    X-Forwarded-For that is not itself a trusted proxy. A client cannot forge its way past
    this, because addresses it adds stand to the left of the ones the proxies append."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if address not in trusted:
            return address
    return remote
