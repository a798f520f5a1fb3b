"""Token log-in for API clients (a till app, scripts): POST e-mail and password, get a token.

Guarded like the log-in page: django-axes counts failures per account and client address (an attacker from
another address cannot lock the real user out), the throttle counts per address from the trusted proxy setting
only, and the token expires (settings.API_TOKEN_TTL_HOURS): an expired one is replaced by a new one.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.security import SecurityEvent, record
from core.tokens import token_expired


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class LockedOut(exceptions.Throttled):
    default_detail = _("Too many failed log-ins for this account from your address. Try again later.")


class ObtainTokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        from django.contrib.auth import authenticate

        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        django_request.axes_username = data.validated_data["email"].lower()  # for the growing cool-off
        user = authenticate(django_request, username=data.validated_data["email"].lower(),
                            password=data.validated_data["password"])
        if getattr(django_request, "axes_locked_out", False):
            raise LockedOut()
        if user is None or not user.is_active:
            raise serializers.ValidationError({"non_field_errors": [_("Wrong e-mail or password.")]})
        token = Token.objects.filter(user=user).first()
        if token is not None and token_expired(token):
            token.delete()
            token = None
        if token is None:
            token = Token.objects.create(user=user)
            record(SecurityEvent.Kind.TOKEN_CREATED, request=django_request, user=user, actor=user)
        return Response({"token": token.key})


urlpatterns = [path("token/", ObtainTokenView.as_view(), name="api-token")]
