import sys

from appliance import paths


def test_an_editable_install_uses_the_checkouts_models(tmp_path, monkeypatch):
    (tmp_path / "models").mkdir()
    monkeypatch.setattr(paths, "PROJECT_DIR", tmp_path)
    assert paths._models_dir() == tmp_path / "models"


def test_a_wheel_install_uses_the_environments_share_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PROJECT_DIR", tmp_path / "site-packages")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    assert paths._models_dir() == tmp_path / "venv" / "share" / "appliance" / "models"


def test_the_shipped_models_are_where_the_appliance_looks():
    assert (paths.MODELS_DIR / "expression_int8.tflite").is_file()
    assert (paths.MODELS_DIR / "face_detection_short_range.tflite").is_file()


def test_xdg_folders_follow_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/is/ignored")
    assert paths.data_dir() == tmp_path / "data" / "appliance"
    assert paths.config_dir().is_relative_to(paths.Path.home())
