package com.taobao.api.request;

import com.taobao.api.internal.util.RequestCheckUtils;
import java.util.Map;
import java.util.HashMap;
import com.taobao.api.FileItem;
import com.taobao.api.TaobaoUploadRequest;
import com.taobao.api.ApiRuleException;
import com.taobao.api.BaseTaobaoRequest;
import com.taobao.api.internal.util.TaobaoHashMap;

import com.taobao.api.response.PictureUploadResponse;

/**
 * TOP API: taobao.picture.upload request
 * 
 * @author top auto create
 * @since 1.0, 2026.11.30
 */
public class PictureUploadRequest extends BaseTaobaoRequest<PictureUploadResponse> implements TaobaoUploadRequest<PictureUploadResponse> {

	/** 
	* 图片上传的来源，有电脑版本宝贝发布，手机版本宝贝发布 client:computer电脑版本宝贝使用 client:phone手机版本宝贝使用
	 */
	private String clientType;

	/** 
	* 包括后缀名的图片标题,不能为空，如Bule.jpg,有些卖家希望图片上传后取图片文件的默认名
	 */
	private String imageInputTitle;

	/** 
	* 图片二进制文件流,不能为空,大小不能超过2M
	 */
	private FileItem img;

	/** 
	* 图片分类ID，设置具体某个分类ID或设置0上传到默认分类，只能传入一个分类
	 */
	private Long pictureCategoryId;

	public void setClientType(String clientType) { this.clientType = clientType; }
	public void setImageInputTitle(String imageInputTitle) { this.imageInputTitle = imageInputTitle; }
	public void setImg(FileItem img) { this.img = img; }
	public void setPictureCategoryId(Long pictureCategoryId) { this.pictureCategoryId = pictureCategoryId; }

	public String getApiMethodName() {
		return "taobao.picture.upload";
	}

	public Map<String, String> getTextParams() {		
		TaobaoHashMap txtParams = new TaobaoHashMap();
		txtParams.put("client_type", this.clientType);
		txtParams.put("image_input_title", this.imageInputTitle);
		txtParams.put("picture_category_id", this.pictureCategoryId);
		if(this.udfParams != null) {
			txtParams.putAll(this.udfParams);
		}
		return txtParams;
	}

	public Map<String, FileItem> getFileParams() {
		Map<String, FileItem> params = new HashMap<String, FileItem>();
		params.put("img", this.img);
		return params;
	}

	public Class<PictureUploadResponse> getResponseClass() {
		return PictureUploadResponse.class;
	}

	public void check() throws ApiRuleException {
		RequestCheckUtils.checkNotEmpty(imageInputTitle, "imageInputTitle");
		RequestCheckUtils.checkMaxLength(imageInputTitle, 50, "imageInputTitle");
		RequestCheckUtils.checkNotEmpty(img, "img");
		RequestCheckUtils.checkNotEmpty(pictureCategoryId, "pictureCategoryId");
	}
}
