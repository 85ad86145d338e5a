from django.conf import settings


def platform(request):
    """What every page's frame needs: the idle timeout and whether the data are demo data."""
    return {
        "session_idle_seconds": settings.SESSION_IDLE_TIMEOUT,
        "demo_data": settings.INNOPLAN_DEMO,
    }
