package com.taobao.api.response;

import com.taobao.api.internal.mapping.ApiField;
import com.taobao.api.domain.Picture;

import com.taobao.api.TaobaoResponse;

/**
 * TOP API: taobao.picture.upload response.
 */
public class PictureUploadResponse extends TaobaoResponse {

	private static final long serialVersionUID = 1L;

	/** 
	 * 图片
	 */
	@ApiField("picture")
	private Picture picture;

	public void setPicture(Picture picture) { this.picture = picture; }
	public Picture getPicture( ) { return this.picture; }
}
