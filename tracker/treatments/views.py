from flask import Blueprint

bp = Blueprint("treatments", __name__)
